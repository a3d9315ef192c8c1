/**
 * Browser-local persistence for "nothing lost": a tiny key-value store on IndexedDB (database `pvpi-planner`,
 * object store `kv`), falling back to localStorage (JSON only) when IndexedDB is unavailable (private mode,
 * disabled storage, a test environment). Values are structured-cloneable (plans, Uint8Arrays of encoded DICOM).
 * Every call is best effort and never throws: a failure only means the value stays in memory.
 */

const DB_NAME = 'pvpi-planner';
const STORE = 'kv';
const LS_PREFIX = 'pvpi-kv:';

let dbPromise: Promise<IDBDatabase | undefined> | undefined;

function openDb(): Promise<IDBDatabase | undefined> {
  if (dbPromise) return dbPromise;
  dbPromise = new Promise((resolve) => {
    try {
      const idb = globalThis.indexedDB;
      if (!idb) return resolve(undefined);
      const req = idb.open(DB_NAME, 1);
      req.onupgradeneeded = () => {
        if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(undefined);
      req.onblocked = () => resolve(undefined);
    } catch {
      resolve(undefined);
    }
  });
  return dbPromise;
}

function idbRequest<T>(db: IDBDatabase, mode: IDBTransactionMode, run: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = run(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result as T);
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** Where values are kept: 'indexeddb', 'localstorage' (JSON-able values only) or 'memory' (nothing persistent). */
export async function localStoreKind(): Promise<'indexeddb' | 'localstorage' | 'memory'> {
  if (await openDb()) return 'indexeddb';
  try {
    return globalThis.localStorage ? 'localstorage' : 'memory';
  } catch {
    return 'memory';
  }
}

/** Stores a value; resolves true when it was persisted (IndexedDB, or localStorage for JSON-able values). */
export async function kvSet(key: string, value: unknown): Promise<boolean> {
  const db = await openDb();
  if (db) {
    try {
      await idbRequest(db, 'readwrite', (s) => s.put(value, key));
      return true;
    } catch {
      /* quota or a closed database: try localStorage */
    }
  }
  try {
    if (containsBinary(value)) return false;
    globalThis.localStorage?.setItem(LS_PREFIX + key, JSON.stringify(value));
    return globalThis.localStorage !== undefined;
  } catch {
    return false;
  }
}

/** Reads a value (IndexedDB first, then the localStorage fallback). */
export async function kvGet<T>(key: string): Promise<T | undefined> {
  const db = await openDb();
  if (db) {
    try {
      const v = await idbRequest<T | undefined>(db, 'readonly', (s) => s.get(key));
      if (v !== undefined) return v;
    } catch {
      /* fall through */
    }
  }
  try {
    const raw = globalThis.localStorage?.getItem(LS_PREFIX + key);
    return raw ? (JSON.parse(raw) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Removes a value from both stores. */
export async function kvDelete(key: string): Promise<void> {
  const db = await openDb();
  if (db) {
    try {
      await idbRequest(db, 'readwrite', (s) => s.delete(key));
    } catch {
      /* nothing to do */
    }
  }
  try {
    globalThis.localStorage?.removeItem(LS_PREFIX + key);
  } catch {
    /* nothing to do */
  }
}

function containsBinary(value: unknown, depth = 0): boolean {
  if (depth > 6 || value === null || typeof value !== 'object') return false;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return true;
  return Object.values(value as Record<string, unknown>).some((v) => containsBinary(v, depth + 1));
}
