/** The panel prints the strings every display of a room shares. */
export { fill, stringsFor, type RoomStrings as PanelStrings } from '../../shared/i18n/room-strings.js';
