"""How a signed-in user is loaded on every request."""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Django's ModelBackend, loading a signed-in user's department in the same query.

    Every page names a clerk's department in the navigation bar (templates/base.html);
    loaded on first use, it cost one more query on each of their pages.
    """

    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("department").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        # ModelBackend's own aget_user would load the user without the department.
        return await sync_to_async(self.get_user)(user_id)
