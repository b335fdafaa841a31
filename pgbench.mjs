import { PGlite } from "@electric-sql/pglite";
let t=Date.now(); const a = new PGlite(); await a.waitReady; console.log("fresh", Date.now()-t);
t=Date.now(); const file = await a.dumpDataDir("none"); console.log("dump", Date.now()-t, file.size);
t=Date.now(); const b = new PGlite({ loadDataDir: file }); await b.waitReady; console.log("load", Date.now()-t);
