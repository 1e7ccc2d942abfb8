"""Users, cached under the admin app's key."""

from dashboard.cache.decorators import cached
from dashboard.notify_client.base import NotifyAdminClient


class UserAPIClient(NotifyAdminClient):
    @cached("user-{user_id}", kind="user")
    def get_user(self, user_id: str) -> dict:
        return self.get(f"/user/{user_id}")
