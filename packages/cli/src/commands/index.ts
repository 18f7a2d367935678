// Every command module registers its commands when imported.
import './basic.js';
import './session.js';
import './watch.js';
import './explore.js';
import './copy.js';
import './inspect.js';
import './inspect-data.js';
import './ui.js';
