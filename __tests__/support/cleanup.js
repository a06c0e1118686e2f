const fs = require('fs');
const path = require('path');

module.exports = async () => {
  fs.rmSync(path.join(__dirname, '..', '..', '.jest-tmp'), { recursive: true, force: true });
};
