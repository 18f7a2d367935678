// Preact with htm's tagged templates: JSX-like markup without a build step.
import { h } from './vendor/preact.mjs';
import htm from './vendor/htm.mjs';

export const html = htm.bind(h);
export { render } from './vendor/preact.mjs';
export { useEffect, useRef, useState } from './vendor/hooks.mjs';
