import { InvalidInputError } from '../../errors.js';
import type { LayoutName } from '../plan.js';
import { flatLayout } from './flat.js';
import { hierarchicalLayout } from './hierarchical.js';
import type { LegacyLayout } from './layout.js';
import { manifestV1Layout } from './manifest-v1.js';
import { namedVersionsLayout } from './named-versions.js';
import { timestampedLayout } from './timestamped.js';

/** In detection order: the layouts with the most specific marks first (a manifest, timestamp folders, `_vN` names). */
const LAYOUTS: readonly LegacyLayout[] = [manifestV1Layout, timestampedLayout, namedVersionsLayout, hierarchicalLayout, flatLayout];

export function layoutNamed(name: LayoutName): LegacyLayout {
  return LAYOUTS.find((layout) => layout.name === name)!;
}

/** The first layout whose marks the tree carries; `InvalidInputError` naming every layout when none does. */
export async function detectLayout(root: string): Promise<LegacyLayout> {
  for (const layout of LAYOUTS) if (await layout.detect(root)) return layout;
  throw new InvalidInputError(
    `Cannot tell the layout of ${root}: it matches none of ${LAYOUTS.map((layout) => layout.name).join(', ')}. ` +
      'Check the folder (it should hold the model folders, or a models/ folder), or name the layout with --layout.',
  );
}
