// Bundles the view page's script (with livekit-client) into one file the gateway serves; no CDN at run time.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/view.js'],
  outfile: process.argv[2] ?? 'dist/view.js',
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['chrome110', 'firefox115', 'safari16'],
  legalComments: 'eof',
  logLevel: 'warning',
});
