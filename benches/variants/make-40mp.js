// A 40 MP test input made from a real photograph (upscaled, JPEG quality 80).
const sharp = require('sharp');
const [input, output] = process.argv.slice(2);
sharp(input).resize(8400, 4725).jpeg({ quality: 80 }).toFile(output).then(() => {});
