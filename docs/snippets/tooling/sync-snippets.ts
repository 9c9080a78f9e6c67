/**
 * Copies every snippet source into the documents that mark it:
 * `npx tsx docs/snippets/tooling/sync-snippets.ts`. Run it after editing a
 * snippet; `docs/snippets.test.ts` fails until the copies match.
 */
import { documentsWithSnippets, syncDocument } from './snippet-blocks.js';

for (const doc of await documentsWithSnippets()) {
  if (await syncDocument(doc)) console.log(`updated ${doc}`);
}
