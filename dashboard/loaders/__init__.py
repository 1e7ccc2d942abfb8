"""Loaders: what one page needs, assembled from concurrent client calls into small typed objects."""
