/**
 * The window's first script, kept small: it asks main for the queue's first page, then loads the app
 * (React, MUI and the screens, half a megabyte to parse and run), so that the page and its thumbnails
 * arrive while the app's code loads instead of after it.
 */
import { askForFirstPage } from './queue/earlyPage';

askForFirstPage();

import('./startApp').catch((error: unknown) => {
  document.body.textContent = `The app could not start: ${error instanceof Error ? error.message : String(error)}`;
});
