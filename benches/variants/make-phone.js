// A 12 MP phone photo made from a real photograph: 4000×3000, JPEG quality 90, stored
// sideways with EXIF orientation 6 as phone cameras do.
const sharp = require('sharp');
const [input, output] = process.argv.slice(2);
sharp(input)
  .resize(4000, 3000, { fit: 'cover' })
  .rotate(-90)
  .withMetadata({ orientation: 6 })
  .jpeg({ quality: 90 })
  .toFile(output)
  .then(() => {});
