"""The Qt window: widgets and models that talk to the services only."""
