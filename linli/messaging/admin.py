from django.contrib import admin

from linli.core.admin import ReadOnlyAdmin, SuperuserOnly

from .models import Delivery, Message


@admin.register(Message)
class MessageAdmin(SuperuserOnly, ReadOnlyAdmin):  # people's own messages (names, check-in codes): no area to scope by
    list_display = ("user", "kind", "text", "urgent", "created_at", "read_at")
    list_filter = ("kind", "urgent")
    raw_id_fields = ("user",)


@admin.register(Delivery)
class DeliveryAdmin(SuperuserOnly, ReadOnlyAdmin):
    list_display = ("key", "kind", "channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error")
    list_filter = ("channel", "status", "kind")
    exclude = ("phone",)  # a caller's number stays encrypted and unseen
    raw_id_fields = ("message",)
