"""One schema per API endpoint: the contract each answer is checked against before it is used.

`base` holds what they share (frozen models that ignore unknown fields, strict numbers, the
API's two date forms, the validator a cached method is given); the other modules follow the
clients, one per resource.
"""
