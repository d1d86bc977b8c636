/**
 * The four definition files of an architecture directory, by name. Free of
 * imports, so that discovering files (and answering `check` from its cache)
 * loads neither the model nor zod.
 */
export const REQUIRED_FILES = ['machines.json', 'types.json', 'boards.json', 'accel-compat.json'] as const;

export type DefinitionFileName = (typeof REQUIRED_FILES)[number];

export function isDefinitionFileName(name: string): name is DefinitionFileName {
  return (REQUIRED_FILES as readonly string[]).includes(name);
}

/** Findings of `check` accepted one by one, beside the definition files (src/check/accept.ts). */
export const CHECK_SUPPRESSIONS_FILE = 'check-suppressions.json';
