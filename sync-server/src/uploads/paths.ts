/** Where tus is served, and where its files live under DATA_DIR (also the confirmed tracks' files). */
export const UPLOADS_PATH = '/uploads';
export const UPLOADS_DIR = 'uploads';
