import { createContentLoader } from "vitepress";

// Every decision record of this folder, by number, for the index page.
export default createContentLoader("decisions/[0-9]*.md", {
  includeSrc: true,
  transform: (pages) =>
    pages
      .map((page) => ({ url: page.url, title: (page.src ?? "").split("\n")[0]!.replace(/^#\s*/, "") }))
      .sort((a, b) => a.url.localeCompare(b.url)),
});
