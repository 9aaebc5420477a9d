/**
 * The floor that whole runs are measured against: a process that only reads
 * and parses the given Service Tags files.
 *
 * @module
 */

for (const path of Deno.args) JSON.parse(await Deno.readTextFile(path));
