// The published-ports Service Worker (scope /ports/): /ports/PORT/ shows what a container publishes on PORT.
// Registered by dist/browser/drydock.js; the code is the bundle of src/sw.browser.ts. It lives at the
// site's root because a Service Worker's scope cannot be above its script's directory.
importScripts('dist/browser/sw.js');
