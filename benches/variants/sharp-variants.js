// The same four outputs with sharp (libvips), single-threaded: ori (upright, metadata
// stripped), big/mid/sml within 1920/960/320, JPEG quality 80. Prints
// file<TAB>megapixels<TAB>ms<TAB>peak MB like the Rust example.
const fs = require('fs');
const sharp = require('sharp');

sharp.concurrency(1);
sharp.cache(false);

async function render(input) {
  const outputs = [];
  outputs.push(await sharp(input).rotate().jpeg({ quality: 80 }).toBuffer());
  for (const bound of [1920, 960, 320]) {
    outputs.push(
      await sharp(input)
        .rotate()
        .resize({ width: bound, height: bound, fit: 'inside', withoutEnlargement: true, kernel: 'lanczos3' })
        .jpeg({ quality: 80 })
        .toBuffer(),
    );
  }
  return outputs;
}

(async () => {
  for (const path of process.argv.slice(2)) {
    const input = fs.readFileSync(path);
    const { width, height } = await sharp(input).metadata();
    const start = process.hrtime.bigint();
    await render(input);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const peak = process.resourceUsage().maxRSS / 1024;
    console.log(`${path}\t${((width * height) / 1e6).toFixed(1)}\t${Math.round(ms)}\t${Math.round(peak)}`);
  }
})();
