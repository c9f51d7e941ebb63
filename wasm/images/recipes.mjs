/**
 * The shipped images, as data: each image is a list of layers (shared
 * layers are the same objects, so the same bytes and diff ids) plus its
 * config. wasm/images/build.mjs turns them into `docker save` tars under
 * public/images/. Everything is explicit (paths, modes, owners, contents),
 * nothing comes from the host filesystem's metadata, so builds are
 * reproducible.
 *
 * A layer spec maps a path (no leading "/") to:
 *   { dir: mode }                      a directory
 *   { file: bytes|string, mode }       a regular file
 *   { link: target }                   a symlink
 *   { hardlink: path }                 another name of the file at `path` (same layer)
 * uid/gid are 0 unless `uid`/`gid` are given.
 */

/** PATH of every image (Docker's default for Linux images). */
export const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The build date written into every image (configs, history, file times). */
export const CREATED = '2025-01-01T00:00:00Z';

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;

const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
`;

const SHADOW = PASSWD.split('\n')
  .filter(Boolean)
  .map((line) => `${line.split(':')[0]}:*:19000:0:99999:7:::`)
  .join('\n')
  .concat('\n');

/** The Linux skeleton every shipped image starts from (one shared layer). */
export const baseLayer = {
  name: 'base',
  createdBy: 'ADD file:drydock-base-rootfs in / ',
  entries: {
    bin: { dir: 0o755 },
    dev: { dir: 0o755 },
    etc: { dir: 0o755 },
    'etc/group': { file: GROUP, mode: 0o644 },
    'etc/hostname': { file: 'drydock\n', mode: 0o644 },
    'etc/nsswitch.conf': { file: 'hosts: files dns\nnetworks: files\n', mode: 0o644 },
    'etc/passwd': { file: PASSWD, mode: 0o644 },
    'etc/shadow': { file: SHADOW, mode: 0o640 },
    'etc/shells': { file: '/bin/sh\n/bin/ash\n', mode: 0o644 },
    home: { dir: 0o755 },
    lib: { dir: 0o755 },
    media: { dir: 0o755 },
    mnt: { dir: 0o755 },
    opt: { dir: 0o755 },
    proc: { dir: 0o555 },
    root: { dir: 0o700 },
    run: { dir: 0o755 },
    sbin: { dir: 0o755 },
    srv: { dir: 0o755 },
    sys: { dir: 0o555 },
    tmp: { dir: 0o1777 },
    usr: { dir: 0o755 },
    'usr/bin': { dir: 0o755 },
    'usr/lib': { dir: 0o755 },
    'usr/local': { dir: 0o755 },
    'usr/local/bin': { dir: 0o755 },
    'usr/local/lib': { dir: 0o755 },
    'usr/local/sbin': { dir: 0o755 },
    'usr/local/share': { dir: 0o755 },
    'usr/sbin': { dir: 0o755 },
    'usr/share': { dir: 0o755 },
    var: { dir: 0o755 },
    'var/cache': { dir: 0o755 },
    'var/empty': { dir: 0o555 },
    'var/lib': { dir: 0o755 },
    'var/local': { dir: 0o755 },
    'var/lock': { link: '../run/lock' },
    'var/log': { dir: 0o755 },
    'var/mail': { link: 'spool/mail' },
    'var/opt': { dir: 0o755 },
    'var/run': { link: '../run' },
    'var/spool': { dir: 0o755 },
    'var/spool/mail': { dir: 0o755 },
    'var/tmp': { dir: 0o1777 },
    'var/www': { dir: 0o755 },
  },
};

/**
 * The busybox layer: /bin/busybox (the multicall applets) with a hard link
 * per applet in /bin, as the official busybox image has, and /bin/sh (the
 * shell is its own program in Drydock). `applets` is what
 * `busybox --list` prints for the busybox.wasm being packaged. The network
 * applets are a second multicall program, /bin/netutils (hard links nc,
 * wget, nslookup, ...), and /bin/httpd is the static web server; in the
 * official image both are busybox applets at the same paths.
 */
export const NET_APPLETS = ['nc', 'netcat', 'wget', 'nslookup', 'ping', 'ip', 'ifconfig', 'netstat', 'route'];

export function busyboxLayer(busybox, sh, applets, netutils, httpd) {
  const entries = {
    bin: { dir: 0o755 },
    'bin/busybox': { file: busybox, mode: 0o755 },
    'bin/sh': { file: sh, mode: 0o755 },
    'bin/ash': { hardlink: 'bin/sh' },
    'bin/netutils': { file: netutils, mode: 0o755 },
    'bin/httpd': { file: httpd, mode: 0o755 },
  };
  for (const applet of applets) {
    if (applet === 'sh' || applet === 'ash' || applet === 'busybox' || applet.includes('/')) continue;
    if (NET_APPLETS.includes(applet) || applet === 'httpd') throw new Error(`busybox --list has ${applet}, which the layer takes from another program`);
    entries[`bin/${applet}`] = { hardlink: 'bin/busybox' };
  }
  for (const applet of NET_APPLETS) entries[`bin/${applet}`] = { hardlink: 'bin/netutils' };
  return { name: 'busybox', createdBy: 'ADD file:drydock-busybox in / ', entries };
}

const APK = `#!/bin/sh
# Drydock's stand-in for Alpine's package manager: there is no package index offline.
case "$1" in
  --version|-V) echo "apk-tools 2.14.4, compiled for wasm32 (Drydock stand-in)"; exit 0 ;;
esac
echo "apk: no package index available offline (Drydock has no network access to the Alpine repositories)" >&2
exit 1
`;

export const alpineLayer = {
  name: 'alpine',
  createdBy: 'ADD file:drydock-alpine-release in / ',
  entries: {
    etc: { dir: 0o755 },
    'etc/alpine-release': { file: '3.20.3\n', mode: 0o644 },
    'etc/apk': { dir: 0o755 },
    'etc/apk/arch': { file: 'wasm32\n', mode: 0o644 },
    'etc/apk/repositories': { file: 'https://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n', mode: 0o644 },
    'etc/apk/world': { file: 'busybox\n', mode: 0o644 },
    'etc/issue': { file: 'Welcome to Alpine Linux 3.20 (Drydock stand-in)\nKernel \\r on an \\m (\\l)\n\n', mode: 0o644 },
    'etc/os-release': {
      file:
        '# Drydock\'s stand-in for Alpine Linux: BusyBox-style applets compiled to WebAssembly; apk has no packages offline.\n' +
        'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n' +
        'HOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"\n',
      mode: 0o644,
    },
    'etc/profile': { file: 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nexport PAGER=less\numask 022\n', mode: 0o644 },
    sbin: { dir: 0o755 },
    'sbin/apk': { file: APK, mode: 0o755 },
    lib: { dir: 0o755 },
    'lib/apk': { dir: 0o755 },
    'lib/apk/db': { dir: 0o755 },
    'lib/apk/db/installed': { file: '', mode: 0o644 },
  },
};

const NGINX_INDEX = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>This is <em>Drydock's stand-in for nginx</em>: a small static web server
compiled to WebAssembly, running in a container inside Drydock, not the real
nginx. It serves the files in <code>/usr/share/nginx/html</code> on port 80.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

const NGINX_50X = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p><em>Drydock's stand-in for nginx.</em></p>
</body>
</html>
`;

const NGINX_SCRIPT = `#!/bin/sh
# Drydock's stand-in for nginx: the httpd applet serves /usr/share/nginx/html on port 80
# in the foreground (the "-g 'daemon off;'" of the real image is accepted and ignored).
case "$1" in
  -v|-V) echo "nginx version: nginx/1.27 (Drydock stand-in: busybox httpd)" >&2; exit 0 ;;
  -t) echo "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok" >&2; exit 0 ;;
esac
exec httpd -f -p 80 -h /usr/share/nginx/html
`;

export const nginxLayer = {
  name: 'nginx',
  createdBy: 'ADD file:drydock-nginx in / ',
  entries: {
    etc: { dir: 0o755 },
    'etc/group': { file: `${GROUP}nginx:x:101:\n`, mode: 0o644 },
    'etc/nginx': { dir: 0o755 },
    'etc/nginx/nginx.conf': {
      file: '# Drydock\'s nginx stand-in is configured by its command line, not by this file:\n# it serves /usr/share/nginx/html on port 80.\n',
      mode: 0o644,
    },
    'etc/passwd': { file: `${PASSWD}nginx:x:101:101:nginx:/var/cache/nginx:/sbin/nologin\n`, mode: 0o644 },
    usr: { dir: 0o755 },
    'usr/sbin': { dir: 0o755 },
    'usr/sbin/nginx': { file: NGINX_SCRIPT, mode: 0o755 },
    'usr/share': { dir: 0o755 },
    'usr/share/nginx': { dir: 0o755 },
    'usr/share/nginx/html': { dir: 0o755 },
    'usr/share/nginx/html/50x.html': { file: NGINX_50X, mode: 0o644 },
    'usr/share/nginx/html/index.html': { file: NGINX_INDEX, mode: 0o644 },
    var: { dir: 0o755 },
    'var/cache': { dir: 0o755 },
    'var/cache/nginx': { dir: 0o755, uid: 101, gid: 101 },
    'var/log': { dir: 0o755 },
    'var/log/nginx': { dir: 0o755 },
  },
};

/** A stub for a program that is not built yet: says so and exits 1. */
function missingProgram(name) {
  return `#!/bin/sh\necho "${name}: not available in this build of Drydock yet (wasm/bin/${name}.wasm is missing)" >&2\nexit 1\n`;
}

/** The redis layer: redis-server and redis-cli from wasm/bin when built, else stubs that say so. */
export function redisLayer(programs) {
  const entries = {
    data: { dir: 0o755, uid: 999, gid: 999 },
    etc: { dir: 0o755 },
    'etc/group': { file: `${GROUP}redis:x:999:\n`, mode: 0o644 },
    'etc/passwd': { file: `${PASSWD}redis:x:999:999::/home/redis:/bin/sh\n`, mode: 0o644 },
    usr: { dir: 0o755 },
    'usr/local': { dir: 0o755 },
    'usr/local/bin': { dir: 0o755 },
  };
  for (const name of ['redis-server', 'redis-cli']) {
    entries[`usr/local/bin/${name}`] = { file: programs[name] ?? missingProgram(name), mode: 0o755 };
  }
  return { name: 'redis', createdBy: 'ADD file:drydock-redis in / ', entries };
}

/** The images: name, layers, runtime config, tags, and the Dockerfile-ish history of the config lines. */
export function images({ hello, busybox, sh, applets, netutils, httpd, programs }) {
  const bb = busyboxLayer(busybox, sh, applets, netutils, httpd);
  const env = { Env: [PATH] };
  return [
    {
      name: 'hello-world',
      tags: ['hello-world:latest'],
      layers: [baseLayer, { name: 'hello', createdBy: 'COPY file:drydock-hello in / ', entries: { hello: { file: hello, mode: 0o755 } } }],
      config: { ...env, Cmd: ['/hello'] },
      steps: ['CMD ["/hello"]'],
    },
    {
      name: 'busybox',
      tags: ['busybox:latest'],
      layers: [baseLayer, bb],
      config: { ...env, Cmd: ['sh'] },
      steps: ['CMD ["sh"]'],
    },
    {
      name: 'alpine',
      tags: ['alpine:latest'],
      layers: [baseLayer, bb, alpineLayer],
      config: { ...env, Cmd: ['/bin/sh'] },
      steps: ['CMD ["/bin/sh"]'],
    },
    {
      name: 'nginx',
      tags: ['nginx:latest'],
      layers: [baseLayer, bb, nginxLayer],
      config: { ...env, Cmd: ['nginx', '-g', 'daemon off;'], ExposedPorts: { '80/tcp': {} }, StopSignal: 'SIGQUIT' },
      steps: ['EXPOSE map[80/tcp:{}]', 'STOPSIGNAL SIGQUIT', 'CMD ["nginx" "-g" "daemon off;"]'],
    },
    {
      name: 'redis',
      tags: ['redis:latest'],
      layers: [baseLayer, bb, redisLayer(programs)],
      config: { ...env, Cmd: ['redis-server'], ExposedPorts: { '6379/tcp': {} }, WorkingDir: '/data', Volumes: { '/data': {} } },
      steps: ['VOLUME [/data]', 'WORKDIR /data', 'EXPOSE map[6379/tcp:{}]', 'CMD ["redis-server"]'],
    },
  ];
}
