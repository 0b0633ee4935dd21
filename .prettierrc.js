// One Prettier style for the repository: the Grafana plugin's scaffolded settings.
module.exports = require('./grafana-plugin/.config/.prettierrc.js');
