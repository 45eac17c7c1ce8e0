from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("mine/", views.mine, name="mine"),
    path("signup/", views.signup, name="signup"),
    path("login/code/", views.login_by_code, name="login_code"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/", views.password_change, name="password_change"),
    path("verify/", views.verify, name="verify"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.staff_member, name="staff_member"),
]
