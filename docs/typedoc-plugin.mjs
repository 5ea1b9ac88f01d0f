// @ts-check
// A package's page shows its README, which already opens with the package's name and introduction:
// the page title would repeat the README's first heading, and the package comment its introduction.
import { RendererEvent } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(RendererEvent.BEGIN, (event) => {
    for (const module of event.project.children ?? []) {
      const first = module.readme?.[0];
      if (!first || first.kind !== 'text') continue;
      // Runs after validation, so the comment still counted as documentation.
      if (module.comment) module.comment.summary = [];
      first.text = first.text.replace(/^#\s[^\n]*\n+/, '');
    }
  });
}
