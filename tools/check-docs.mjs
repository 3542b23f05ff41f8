#!/usr/bin/env node
// Checks that every export of packages/*/src, and every public member of an exported class, has a TSDoc
// comment. (typedoc cannot run on the native TypeScript 7 compiler, so this is a line-based check: it
// reads top-level `export` declarations and two-space-indented class members.)
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) files.push(path);
  }
}
for (const pkg of readdirSync(join(root, "packages"))) {
  if (pkg === "bench") continue; // the benchmark is a private package: it has no API to document
  const src = join(root, "packages", pkg, "src");
  try {
    walk(src);
  } catch {
    /* a package without src */
  }
}

const topLevel =
  /^export (default )?(declare )?(abstract )?(class|function\*?|const|let|interface|type|enum) ([A-Za-z_$][\w$]*)/;
const member =
  /^  (?! )(?:(?:public|static|readonly|override|abstract|async|get|set|declare)\s+)*\*?(\[Symbol\.\w+\]|[A-Za-z$][\w$]*)\s*[(<:?!=;]/;
const problems = [];

for (const file of files) {
  const lines = readFileSync(file, "utf8").split("\n");
  let inClass = false;
  let previousName = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^export (default )?(abstract )?class /.test(line)) inClass = true;
    else if (line.startsWith("}")) inClass = false;
    let name = null;
    const top = topLevel.exec(line);
    if (top) name = top[5];
    else if (inClass) {
      const m = member.exec(line);
      // An error class's `override readonly name` is documented by the class itself.
      if (m && !/^\s*(private|protected|constructor)\b/.test(line) && !/override readonly name\b/.test(line))
        name = m[1];
    }
    if (name === null) continue;
    if (name === previousName && /^\s*(export )?(function|\w)/.test(line)) continue; // overload
    previousName = name;
    if (name.startsWith("_") || name.startsWith("#")) continue;
    let j = i - 1;
    while (j >= 0 && /^\s*(\/\/|@)/.test(lines[j])) j--;
    if (j < 0 || !/\*\/\s*$/.test(lines[j]))
      problems.push(`${relative(root, file)}:${i + 1}: \`${name}\` has no TSDoc comment`);
  }
}

// Every "rule N" (the ordering rules of docs/ordering-rules.md) and every "§N" (a numbered section of a
// doc, written `NAME §N` for docs/NAME.md) must point at something that exists.
const rulesDoc = join(root, "docs", "ordering-rules.md");
const ruleNumbers = new Set();
try {
  for (const m of readFileSync(rulesDoc, "utf8").matchAll(/^### Rule (\d+)\b/gm)) ruleNumbers.add(Number(m[1]));
} catch {
  problems.push("docs/ordering-rules.md is missing: the tests cite its rules");
}
const referenceFiles = [];
function walkRefs(dir) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walkRefs(path);
    else if (/\.(ts|mts|mjs|js|md)$/.test(name)) referenceFiles.push(path);
  }
}
for (const dir of ["packages", "docs", "tools"]) walkRefs(join(root, dir));
referenceFiles.push(join(root, "README.md"));
const numberedSections = new Map();
function sectionsOf(name) {
  if (!numberedSections.has(name)) {
    const set = new Set();
    try {
      for (const m of readFileSync(join(root, "docs", `${name.toLowerCase()}.md`), "utf8").matchAll(
        /^#+ §?(\d+)[.\s]/gm,
      ))
        set.add(Number(m[1]));
    } catch {
      /* no such doc: every section reference to it dangles */
    }
    numberedSections.set(name, set);
  }
  return numberedSections.get(name);
}
for (const file of referenceFiles) {
  const where = relative(root, file);
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/\b[Rr]ules? (\d+(?:(?:, | and | or |–|-)\d+)*)/g)) {
    for (const n of m[1].split(/, | and | or |–|-/).map(Number)) {
      if (!ruleNumbers.has(n)) problems.push(`${where}: "rule ${n}" is not in docs/ordering-rules.md`);
    }
  }
  for (const m of text.matchAll(/\b([A-Za-z][\w-]*)\s§(\d+)/g)) {
    if (!sectionsOf(m[1].replace(/[^\w-]/g, "")).has(Number(m[2])))
      problems.push(
        `${where}: "${m[1]} §${m[2]}" points at no numbered section of docs/${m[1].replace(/[^\w-]/g, "").toLowerCase()}.md`,
      );
  }
}

// Every decision record has a number of its own, its title carries that number, and every "decision NNNN"
// names a record that exists.
const decisionsDir = join(root, "docs", "decisions");
const decisionNumbers = new Map();
for (const name of readdirSync(decisionsDir)) {
  const m = /^(\d{4})-.*\.md$/.exec(name);
  if (!m) continue;
  const names = decisionNumbers.get(m[1]) ?? [];
  names.push(name);
  decisionNumbers.set(m[1], names);
  const title = readFileSync(join(decisionsDir, name), "utf8").split("\n")[0];
  if (!new RegExp(`^# ${m[1]}\\b`).test(title))
    problems.push(`docs/decisions/${name}: its title should start with "# ${m[1]}", the file's number`);
}
for (const [number, names] of decisionNumbers) {
  if (names.length > 1)
    problems.push(
      `docs/decisions: ${names.join(", ")} share the number ${number}: give each record but the first the next free number and update the references`,
    );
}
for (const file of referenceFiles) {
  for (const m of readFileSync(file, "utf8").matchAll(/\b[Dd]ecisions? (\d{4})\b/g)) {
    if (!decisionNumbers.has(m[1]))
      problems.push(`${relative(root, file)}: "decision ${m[1]}" names no record in docs/decisions`);
  }
}

if (problems.length > 0) {
  console.error(
    `Every export and public member needs a TSDoc comment (/** … */), every "rule N", "§N" and "decision NNNN" must resolve, and decision numbers must be unique:\n${problems.join("\n")}`,
  );
  process.exit(1);
}
console.log(`docs: ${files.length} source files checked, every export documented.`);
