"""Developer tools beside the product: `make run`, `make bench` and `make traffic`."""
