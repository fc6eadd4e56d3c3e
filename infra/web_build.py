"""Builds the agent workspace (web/) with this machine's npm, so `cdk synth` needs no docker."""

import shutil
import subprocess
from pathlib import Path

import aws_cdk as cdk
import jsii

WEB_DIR = Path(__file__).resolve().parents[1] / "web"


@jsii.implements(cdk.ILocalBundling)
class NpmBuild:
    """`npm ci && npm run build` in web/, then the built files (web/dist) become the asset."""

    def __init__(self, web_dir: Path = WEB_DIR):
        self._web_dir = web_dir

    def try_bundle(self, output_dir: str, options) -> bool:
        if shutil.which("npm") is None:
            raise RuntimeError("Building the agent workspace needs Node.js and npm on this machine (see README, Deploying)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=self._web_dir, check=True)
        subprocess.run(["npm", "run", "build", "--silent"], cwd=self._web_dir, check=True)
        shutil.copytree(self._web_dir / "dist", output_dir, dirs_exist_ok=True)
        # Never fall back to docker: a failed build has already raised.
        return True
