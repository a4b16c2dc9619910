/**
 * Files from a file picker or a drop, with their paths: a picked folder gives `webkitRelativePath`,
 * a dropped folder is walked through the File System entries API. What comes out feeds
 * `findCheckpoints` (`engine/checkpoint-files.ts`).
 */
import type { NamedFile } from '../engine/checkpoint-files.js';

/** Files of an `<input type="file">` (a folder keeps its relative paths). */
export function filesFromInput(list: FileList | null): NamedFile[] {
  return Array.from(list ?? [], (file) => ({ path: file.webkitRelativePath || file.name, file }));
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, out: NamedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ path: entry.fullPath.replace(/^\//, ''), file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call: read until it returns none
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader)) {
    for (const e of batch) await walk(e, out);
  }
}

/** Files and folders of a drop, folders walked recursively. */
export async function filesFromDrop(data: DataTransfer): Promise<NamedFile[]> {
  const entries = Array.from(data.items, (item) => item.webkitGetAsEntry()).filter(
    (e): e is FileSystemEntry => e !== null,
  );
  if (entries.length === 0) return filesFromInput(data.files);
  const out: NamedFile[] = [];
  for (const e of entries) await walk(e, out);
  return out;
}

/** Makes `target` accept drops (highlighted while dragging over it). */
export function acceptDrops(target: HTMLElement, onFiles: (files: NamedFile[]) => void): void {
  target.addEventListener('dragover', (e) => {
    e.preventDefault();
    target.classList.add('dragging');
  });
  target.addEventListener('dragleave', () => target.classList.remove('dragging'));
  target.addEventListener('drop', (e) => {
    e.preventDefault();
    target.classList.remove('dragging');
    if (e.dataTransfer) void filesFromDrop(e.dataTransfer).then(onFiles);
  });
}
