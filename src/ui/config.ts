/*
 * What the page boots. The default image is one constant: switching the
 * lab to another image is a one-line change here (and the e2e tests' banner
 * in e2e/lab.ts).
 */

/** The image the page boots, under public/: the SBI firmware, the HyperLab kernel and its shell. */
export const DEFAULT_IMAGE = 'firmware/hyperlab.elf';
/** Harts of the default machine. */
export const DEFAULT_HARTS = 2;
export const DEFAULT_RAM_MIB = 128;

export interface LabConfig {
  /** Path of the image under the site's base (public/). */
  image: string;
  harts: number;
  ramMiB: number;
  /** Instructions per second per hart at power-on; Infinity = full speed. */
  speed: number;
}

/**
 * The default machine, or what the address asks for:
 * ?image=firmware/bench.elf&harts=4&ram=64&speed=1000 (for demos and tests).
 */
export function labConfig(search: string): LabConfig {
  const params = new URLSearchParams(search);
  const harts = Number(params.get('harts') ?? DEFAULT_HARTS);
  const ramMiB = Number(params.get('ram') ?? DEFAULT_RAM_MIB);
  const image = params.get('image') ?? DEFAULT_IMAGE;
  const speed = Number(params.get('speed') ?? Infinity);
  return {
    image: /^[\w./-]+$/.test(image) && !image.includes('..') ? image : DEFAULT_IMAGE,
    harts: Number.isInteger(harts) && harts >= 1 && harts <= 16 ? harts : DEFAULT_HARTS,
    ramMiB: Number.isInteger(ramMiB) && ramMiB >= 4 && ramMiB <= 1024 ? ramMiB : DEFAULT_RAM_MIB,
    speed: speed >= 1 ? speed : Infinity,
  };
}
