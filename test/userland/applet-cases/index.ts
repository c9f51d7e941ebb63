/** Every differential applet case, by group (each group is a file in this directory). */
import type { AppletCase } from './harness.ts';
import { cases as basics } from './basics.ts';
import { cases as text } from './text.ts';
import { cases as files } from './files.ts';
import { cases as archive } from './archive.ts';
import { cases as system } from './system.ts';
import { cases as lessons } from './lessons.ts';
import { cases as awk } from './awk.ts';

export const CASE_GROUPS: Readonly<Record<string, readonly AppletCase[]>> = {
  basics,
  text,
  files,
  archive,
  system,
  lessons,
  awk,
};
