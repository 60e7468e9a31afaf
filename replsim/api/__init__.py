"""The Element JSON-RPC API as the model's control surface (request dict in, response out)."""

from replsim.api.dispatcher import Api, ApiCall

__all__ = ["Api", "ApiCall"]
