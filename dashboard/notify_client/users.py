"""Users, cached under the admin app's key."""

from dashboard.cache.decorators import cached
from dashboard.notify_client.base import NotifyAdminClient
from dashboard.notify_client.schemas.users import USER, User


class UserAPIClient(NotifyAdminClient):
    @cached("user-{user_id}", kind="user", validate=USER)
    def get_user(self, user_id: str) -> User:
        return self.get(f"/user/{user_id}")
