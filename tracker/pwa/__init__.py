"""The installable app: the service worker, the web app manifest, the icons and the offline pages."""
