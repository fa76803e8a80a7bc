import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ImageRef } from '../domain/controller-instance.js';
import { defaultSshUser, diskFormat, parseImageManifest } from '../core/image-manifest.js';
import { errors } from '../errors/catalogue.js';

export interface ImageConfig {
  path: string;
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  sshUser?: string;
}

function readHead(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    readSync(fd, buf, 0, 4, 0);
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** A disk file as given by path: must exist, be a regular file and hold at least one sector. */
function diskFile(name: string, path: string): { path: string; format: 'qcow2' | 'raw' } {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw errors.imageNotFound(name, '').causedBy(err);
  }
  if (!st.isFile()) throw errors.imageInvalid(name, `${path} is not a regular file`);
  if (st.size < 512) throw errors.imageInvalid(name, `${path} is ${st.size} bytes, too small to be a disk image`);
  try {
    return { path, format: diskFormat(readHead(path)) };
  } catch (err) {
    throw errors.imageInvalid(name, `cannot read ${path}: ${(err as Error).message}`).causedBy(err);
  }
}

/**
 * IMAGE → files. Order: a name from minicloud.yaml `images:`, a built image in the images directory
 * (`make images`: <dir>/<name>/{disk.qcow2,vmlinuz,initrd.img,manifest.txt}; kernel boot when a
 * kernel is there, it skips the boot loader), else a path to a qcow2/raw file.
 */
export function makeImageResolver(opts: { imagesDir: string; configured: Record<string, ImageConfig>; cwd: string }): (image: string) => ImageRef {
  const known = (): string => {
    const names = new Set(Object.keys(opts.configured));
    if (existsSync(opts.imagesDir)) for (const n of readdirSync(opts.imagesDir)) names.add(n);
    return [...names].sort().join(', ');
  };
  return (image: string): ImageRef => {
    const configured = opts.configured[image];
    if (configured) {
      const disk = diskFile(image, resolve(opts.cwd, configured.path));
      return {
        name: image,
        ...disk,
        kernel: configured.kernel ? { kernelPath: resolve(opts.cwd, configured.kernel), initrdPath: configured.initrd ? resolve(opts.cwd, configured.initrd) : null, cmdline: configured.cmdline ?? 'console=ttyS0' } : null,
        sshUser: configured.sshUser ?? defaultSshUser(image),
      };
    }
    const built = join(opts.imagesDir, image);
    if (!image.includes('/') && existsSync(join(built, 'disk.qcow2'))) {
      const manifestPath = join(built, 'manifest.txt');
      const manifest = existsSync(manifestPath) ? parseImageManifest(readFileSync(manifestPath, 'utf8')) : {};
      const kernelPath = join(built, 'vmlinuz');
      const initrdPath = join(built, 'initrd.img');
      return {
        name: image,
        ...diskFile(image, join(built, 'disk.qcow2')),
        kernel: existsSync(kernelPath) ? { kernelPath, initrdPath: existsSync(initrdPath) ? initrdPath : null, cmdline: manifest['cmdline'] ?? 'console=ttyS0' } : null,
        sshUser: manifest['ssh-user'] ?? defaultSshUser(image),
      };
    }
    const path = isAbsolute(image) ? image : resolve(opts.cwd, image);
    if (!existsSync(path)) throw errors.imageNotFound(image, known());
    return { name: image, ...diskFile(image, path), kernel: null, sshUser: defaultSshUser(image) };
  };
}
