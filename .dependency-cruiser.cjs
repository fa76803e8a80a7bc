// The dependency rule of the hexagon, checked in CI (`make lint`). Folders form layers; a folder may
// import only from the layers listed for it, so no two top-level folders can import each other.
//
//   domain, errors                    plain types and the error catalogue: import nothing of ours
//   ports, events                     interfaces and the bus: domain (+ errors) only
//   core                              pure logic: domain, ports, errors
//   metadata                          the metadata server: the app, its hooks, the tree helpers APIs use
//   clouds                            one folder per cloud: identity, metadata APIs, network needs; the registry
//   config                            files users write (their datasource fields name clouds)
//   adapters                          implementations of ports (may build the metadata files a config drive holds)
//   controller                        the reconcile loop: ports, never an adapter
//   api                               the controller's API (server and client)
//   composition                       the composition roots: wire adapters into controller, servers
//   smoke, tui                        clients of the API
//   cli                               the command line: may use everything
const layers = {
  domain: ['domain'],
  errors: ['errors'],
  ports: ['ports', 'domain', 'errors'],
  events: ['events', 'domain'],
  core: ['core', 'domain', 'ports', 'errors'],
  metadata: ['metadata', 'core', 'domain', 'ports', 'errors', 'events'],
  clouds: ['clouds', 'metadata', 'core', 'domain', 'ports', 'errors', 'events'],
  config: ['config', 'clouds', 'core', 'domain', 'ports', 'errors'],
  adapters: ['adapters', 'clouds', 'metadata', 'core', 'domain', 'ports', 'errors', 'events'],
  controller: ['controller', 'clouds', 'core', 'domain', 'ports', 'errors', 'events'],
  api: ['api', 'clouds', 'controller', 'core', 'domain', 'ports', 'errors', 'events'],
  composition: ['composition', 'clouds', 'adapters', 'api', 'config', 'controller', 'metadata', 'core', 'domain', 'ports', 'errors', 'events'],
  smoke: ['smoke', 'clouds', 'api', 'config', 'core', 'domain', 'ports', 'errors', 'events'],
  tui: ['tui', 'api', 'core', 'domain', 'errors', 'events'],
  cli: ['cli', 'clouds', 'composition', 'smoke', 'tui', 'adapters', 'api', 'config', 'controller', 'metadata', 'core', 'domain', 'ports', 'errors', 'events'],
};
const all = Object.keys(layers);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle between modules makes load order and tests fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports is dead code (entry points and type declarations excepted).',
      from: { orphan: true, path: '^src/', pathNot: ['^src/cli/main\\.ts$', '\\.d\\.ts$'] },
      to: {},
    },
    ...all.map((from) => ({
      name: `layer-${from}`,
      severity: 'error',
      comment: `src/${from} may import only from: ${layers[from].join(', ')}`,
      from: { path: `^src/${from}/` },
      to: { path: '^src/', pathNot: layers[from].map((to) => `^src/${to}/`) },
    })),
    {
      name: 'no-unknown-folder',
      severity: 'error',
      comment: 'Every module lives in one of the layers above (add a new folder to .dependency-cruiser.cjs).',
      from: { path: '^src/', pathNot: all.map((f) => `^src/${f}/`) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
