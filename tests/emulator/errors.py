"""API errors, rendered as the spec's ErrorResponse body."""


class ApiError(Exception):
    """An error the API answers with ``{"error": {"message", "type", "param", "code"}}``."""

    def __init__(self, status, message, param=None, code=None, error_type="invalid_request_error"):
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.error_type = error_type

    def body(self):
        """Return the ErrorResponse body."""
        return error_body(self.message, self.error_type, self.param, self.code)


def error_body(message, error_type="invalid_request_error", param=None, code=None):
    """Build an ErrorResponse body."""
    return {"error": {"message": message, "type": error_type, "param": param, "code": code}}


def not_found(kind, object_id):
    """404 for an unknown id, worded as the API does: ``No thread found with id 'thread_x'.``"""
    return ApiError(404, f"No {kind} found with id '{object_id}'.")


def bad_request(message, param=None, code=None):
    """400 invalid_request_error."""
    return ApiError(400, message, param=param, code=code)
