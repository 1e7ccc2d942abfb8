"""The API's admin token check, with its statuses and messages.

The JWT work is the client library's own (`get_token_issuer`, `decode_jwt_token`), as in the
real API, so the sandbox accepts and refuses exactly the tokens the library makes and reads.
The messages follow the recorded AUTH_*.json responses.
"""

from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import (
    TokenAlgorithmError,
    TokenDecodeError,
    TokenError,
    TokenExpiredError,
    TokenIssuerError,
)

CLOCK_MESSAGE = "Error: Your system clock must be accurate to within 30 seconds"
GENERAL_TOKEN_MESSAGE = (
    "Invalid token: make sure your API token matches the example at "
    "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header"
)


class AuthError(Exception):
    """A refused request: the HTTP status and the message the API gives."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def body(self) -> dict:
        """The API's error body for token failures."""
        return {"result": "error", "message": {"token": [self.message]}}


def check_admin_token(header: str | None, client_id: str, client_secret: str) -> None:
    """Raise AuthError unless the Authorization header holds a fresh token from the admin."""
    if not header:
        raise AuthError("Unauthorized: authentication token must be provided", 401)
    if header[:7].title() != "Bearer ":
        raise AuthError("Unauthorized: authentication bearer scheme must be used", 401)
    token = header[7:]
    try:
        issuer = get_token_issuer(token)
    except TokenIssuerError as error:
        raise AuthError("Invalid token: iss field not provided", 403) from error
    except TokenDecodeError as error:
        raise AuthError("Invalid token: signature, api token is not valid", 403) from error
    if issuer != client_id:
        raise AuthError("Unauthorized: not allowed to perform this action", 401)
    try:
        decode_jwt_token(token, client_secret)
    except TokenExpiredError as error:
        raise AuthError(CLOCK_MESSAGE, 403) from error
    except TokenAlgorithmError as error:
        raise AuthError("Invalid token: algorithm used is not HS256", 403) from error
    except TokenDecodeError as error:
        raise AuthError("Invalid token: API key not found", 403) from error
    except TokenError as error:
        raise AuthError(GENERAL_TOKEN_MESSAGE, 403) from error
