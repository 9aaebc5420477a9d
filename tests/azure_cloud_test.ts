import assert from "node:assert/strict";
import {
  AZURE_CLOUDS,
  azureCloud,
  blobEndpointOf,
  productionHosts,
} from "../src/azure_cloud.ts";
import { CLOUD_NAMES } from "../src/cli.ts";

const config = JSON.parse(
  await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
);

Deno.test("every cloud that --cloud accepts has its endpoints", () => {
  assert.deepEqual(Object.keys(AZURE_CLOUDS).sort(), [...CLOUD_NAMES].sort());
  for (const name of CLOUD_NAMES) {
    const cloud = azureCloud(name);
    assert.equal(cloud.name, name);
    assert.match(cloud.armEndpoint, /^https:\/\/management\./);
    assert.equal(cloud.armScope, `${cloud.armEndpoint}/.default`);
    assert.match(cloud.authorityHost, /^https:\/\/login\./);
    assert.match(cloud.blobSuffix, /^blob\.core\./);
  }
});

Deno.test("the sovereign clouds have their own endpoints", () => {
  assert.equal(
    azureCloud("AzureChinaCloud").armEndpoint,
    "https://management.chinacloudapi.cn",
  );
  assert.equal(
    azureCloud("AzureUSGovernment").authorityHost,
    "https://login.microsoftonline.us",
  );
  assert.equal(
    blobEndpointOf(azureCloud("AzureUSGovernment"), "stchecker"),
    "https://stchecker.blob.core.usgovcloudapi.net",
  );
  assert.equal(
    blobEndpointOf(azureCloud("AzurePublic"), "stchecker"),
    "https://stchecker.blob.core.windows.net",
  );
});

Deno.test("the production permission set allows exactly the clouds' hosts", () => {
  const production = config.permissions?.production;
  assert.ok(production, "deno.json has no permissions.production");
  assert.deepEqual([...production.net].sort(), productionHosts().sort());
});

Deno.test("the production permission set grants no file, process or FFI access", () => {
  const production = config.permissions.production;
  const granted = Object.entries(production)
    .filter(([, value]) => value !== false)
    .map(([name]) => name)
    .sort();
  assert.deepEqual(granted, ["env", "net", "sys"]);
});
