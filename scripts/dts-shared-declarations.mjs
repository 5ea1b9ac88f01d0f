// rollup-plugin-dts companion for a package's secondary entry points (`/node`, `/queue`): the
// declarations they share with the main entry are imported from the package's own name instead
// of being inlined again. Two inlined copies of a class with private members are two unrelated
// types to TypeScript, so a Tensor from `@nnlab/tensor-gpu/node` would not be a Tensor of
// `@nnlab/tensor-gpu`; with the import both entries name one declaration.
//
// Every module of the main entry's module graph is made external while the secondary entry is
// bundled; afterwards each import from such a module is rewritten to the name under which the
// main entry exports that declaration: a top-level export (`Tensor`) or a member of an exported
// namespace (`nn.Module`, bound with `import Module = nn$shared.Module`, which keeps its value,
// type and namespace meanings). A declaration the main entry does not export fails the build.
import { relative, resolve } from 'node:path';
import ts from 'typescript';

const SHARED = 'shared-declarations:';

/** The main entry's module graph and, for each declaration it exports, its public name path. */
function mainEntryExports(dir, mainEntry) {
  const configFile = resolve(dir, 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(configFile, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  const program = ts.createProgram([mainEntry], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const src = resolve(dir, 'src');
  const files = new Set(
    program.getSourceFiles().map((file) => resolve(file.fileName)).filter((file) => !relative(src, file).startsWith('..')),
  );
  const target = (symbol) => (symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol);
  const moduleOf = (file) => {
    const sourceFile = program.getSourceFile(file);
    const symbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
    if (!symbol) throw new Error(`dts-shared-declarations: ${relative(dir, file)} is not a module`);
    return symbol;
  };

  // Breadth first, so a declaration exported at the top level and inside a namespace gets the short path.
  const paths = new Map();
  const queue = [[moduleOf(mainEntry), []]];
  paths.set(queue[0][0], []);
  while (queue.length) {
    const [moduleSymbol, prefix] = queue.shift();
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const declaration = target(exported);
      if (paths.has(declaration)) continue;
      const path = [...prefix, exported.name];
      paths.set(declaration, path);
      if (declaration.flags & ts.SymbolFlags.ValueModule) queue.push([declaration, path]);
    }
  }

  const exportsOf = (file) => checker.getExportsOfModule(moduleOf(file));
  const describe = (file, name) => `${name === undefined ? 'the module' : name} of ${relative(dir, file)}`;
  const pathOf = (file, name) => {
    const symbol = name === undefined ? moduleOf(file) : exportsOf(file).find((exported) => exported.name === name);
    const path = symbol && paths.get(target(symbol));
    if (!path) {
      throw new Error(
        `dts-shared-declarations: a secondary entry's declarations use ${describe(file, name)}, which ${relative(dir, mainEntry)} does not export; ` +
          'export it from the main entry so both entries share one declaration',
      );
    }
    return path;
  };
  return { files, pathOf, namesOf: (file) => exportsOf(file).map((exported) => exported.name) };
}

/** Rewrites the imports and re-exports of main-graph modules in a bundled .d.ts to imports from `packageName`. */
function rewriteSharedImports(code, shared, packageName) {
  const source = ts.createSourceFile('entry.d.ts', code, ts.ScriptTarget.Latest, true);
  const from = JSON.stringify(packageName);
  const namespaceBindings = new Map(); // top-level namespace name -> its local binding
  const topLevelImports = []; // `Name` or `Name as Local`, imported in one statement
  const binding = (name) => {
    if (!namespaceBindings.has(name)) {
      const local = `${name}$shared`;
      if (code.includes(local)) throw new Error(`dts-shared-declarations: the name ${local} is already used in the bundle`);
      namespaceBindings.set(name, local);
    }
    return namespaceBindings.get(name);
  };
  // `local` bound (and exported when `exported`) to the declaration at `path` of the main entry.
  // The statement that binds it, or undefined when it joins the one import of top-level names.
  const alias = (local, path, exported, typeOnly = false) => {
    if (path.length === 0) return exported ? `export * as ${local} from ${from};` : `import * as ${local} from ${from};`;
    const specifier = path[0] === local ? local : `${path[0]} as ${local}`;
    if (path.length === 1 && !exported) {
      topLevelImports.push(specifier);
      return undefined;
    }
    if (path.length === 1) return `export${typeOnly ? ' type' : ''} { ${specifier} } from ${from};`;
    return `${exported ? 'export ' : ''}import ${local} = ${[binding(path[0]), ...path.slice(1)].join('.')};`;
  };

  // Names the bundle exports explicitly: they shadow those of an `export *`, so its expansion leaves them out.
  const explicitExports = new Set(
    source.statements
      .filter((statement) => ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause))
      .flatMap((statement) => statement.exportClause.elements.map((element) => element.name.text)),
  );
  // Names the bundle imports from the main graph, with their paths: an `export *` expansion
  // exports those through the existing binding instead of declaring the name twice.
  const imported = new Map();
  for (const statement of source.statements) {
    if (!ts.isImportDeclaration(statement) || !statement.moduleSpecifier.text.startsWith(SHARED)) continue;
    const file = statement.moduleSpecifier.text.slice(SHARED.length);
    const bindings = statement.importClause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) imported.set(element.name.text, shared.pathOf(file, (element.propertyName ?? element.name).text).join('.'));
    }
  }
  const edits = [];
  for (const statement of source.statements) {
    const specifier = statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(SHARED)) continue;
    const file = specifier.text.slice(SHARED.length);
    const lines = [];
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) lines.push(alias(clause.name.text, shared.pathOf(file, 'default'), false));
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) lines.push(alias(bindings.name.text, shared.pathOf(file), false));
      else if (bindings) {
        for (const element of bindings.elements) {
          lines.push(alias(element.name.text, shared.pathOf(file, (element.propertyName ?? element.name).text), false));
        }
      }
    } else if (ts.isExportDeclaration(statement)) {
      const clause = statement.exportClause;
      if (!clause) {
        const modulePath = shared.pathOf(file);
        if (modulePath.length === 0) lines.push(`export * from ${from};`);
        else {
          for (const name of shared.namesOf(file)) {
            if (explicitExports.has(name)) continue;
            const path = shared.pathOf(file, name);
            if (!imported.has(name)) lines.push(alias(name, path, true));
            else if (imported.get(name) === path.join('.')) lines.push(`export { ${name} };`);
            else throw new Error(`dts-shared-declarations: ${name} names two declarations in one bundle`);
          }
        }
      } else if (ts.isNamespaceExport(clause)) lines.push(alias(clause.name.text, shared.pathOf(file), true));
      else {
        for (const element of clause.elements) {
          const typeOnly = statement.isTypeOnly || element.isTypeOnly;
          lines.push(alias(element.name.text, shared.pathOf(file, (element.propertyName ?? element.name).text), true, typeOnly));
        }
      }
    } else continue;
    const text = lines.filter(Boolean).join('\n');
    const end = statement.getEnd() + (text === '' && code[statement.getEnd()] === '\n' ? 1 : 0);
    edits.push({ start: statement.getStart(source), end, text });
  }
  let result = code;
  for (const { start, end, text } of edits.reverse()) result = result.slice(0, start) + text + result.slice(end);
  const imports = [...topLevelImports, ...[...namespaceBindings].map(([name, local]) => `${name} as ${local}`)];
  return (imports.length ? `import { ${imports.join(', ')} } from ${from};\n` : '') + result;
}

/**
 * For the main entry's declaration build: rollup-plugin-dts writes a namespace's interfaces and type
 * aliases as `export type { ... }`, which an import alias (`import Options = nn$shared.Options`) may
 * not reference. In a declaration file a plain `export { ... }` of a type means the same.
 */
export function aliasableNamespaces() {
  return {
    name: 'aliasable-namespaces',
    renderChunk: {
      order: 'post',
      handler(code) {
        const source = ts.createSourceFile('entry.d.ts', code, ts.ScriptTarget.Latest, true);
        const typeKeywords = [];
        for (const statement of source.statements) {
          if (!ts.isModuleDeclaration(statement) || !statement.body || !ts.isModuleBlock(statement.body)) continue;
          for (const inner of statement.body.statements) {
            if (!ts.isExportDeclaration(inner) || inner.moduleSpecifier) continue;
            if (inner.isTypeOnly) typeKeywords.push(inner.getStart(source) + 'export '.length);
            for (const element of inner.exportClause?.elements ?? []) if (element.isTypeOnly) typeKeywords.push(element.getStart(source));
          }
        }
        let result = code;
        for (const start of typeKeywords.sort((a, b) => b - a)) {
          if (!result.startsWith('type ', start)) throw new Error(`aliasable-namespaces: expected 'type ' at offset ${start}`);
          result = result.slice(0, start) + result.slice(start + 'type '.length);
        }
        return { code: result, map: null };
      },
    },
  };
}

/**
 * The plugin, placed before rollup-plugin-dts in a secondary entry's declaration build.
 * `mainEntry` is the main entry's source file (`src/index.ts`), `packageName` the package's own name.
 */
export function sharedDeclarations({ dir, mainEntry, packageName }) {
  const entry = resolve(dir, mainEntry);
  let shared;
  return {
    name: 'shared-declarations',
    buildStart() {
      shared = mainEntryExports(dir, entry);
    },
    async resolveId(source, importer) {
      if (!importer) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      if (!resolved || resolved.external || !shared.files.has(resolve(resolved.id))) return null;
      return { id: SHARED + resolve(resolved.id), external: true };
    },
    renderChunk: {
      order: 'post',
      handler(code) {
        return { code: rewriteSharedImports(code, shared, packageName), map: null };
      },
    },
  };
}
