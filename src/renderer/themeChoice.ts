/**
 * The light or dark theme the user picked, kept in the window's own storage (Electron keeps it in the
 * app's profile folder), so the app opens in it next time. Unset: the system's preference decides.
 */
export type ThemeMode = 'light' | 'dark';

const KEY = 'melanoma-triage.theme';

export function savedTheme(): ThemeMode | null {
  try {
    const value = window.localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    // Storage refused (a locked-down profile): the system's preference decides, as on a first launch.
    return null;
  }
}

export function saveTheme(mode: ThemeMode): void {
  try {
    window.localStorage.setItem(KEY, mode);
  } catch {
    // Not kept, but the theme still changes for this session.
  }
}
