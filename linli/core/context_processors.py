from django.http import HttpRequest


def ui(request: HttpRequest) -> dict:
    """Elder-friendly mode (large type, high contrast) is a cookie the toggle sets."""
    return {"elder_mode": request.COOKIES.get("linli_elder") == "1"}
