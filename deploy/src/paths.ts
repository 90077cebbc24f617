import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** `deploy/kubernetes`: the kustomize base, components and overlays. */
export const KUBERNETES_DIR = fileURLToPath(new URL("../kubernetes/", import.meta.url));

/** The kustomizations shipped, by their directory under {@link KUBERNETES_DIR}. */
export const KUSTOMIZATIONS = ["base", "overlays/production", "overlays/sandbox"] as const;

/** The components shipped, each to be added to the base on its own. */
export const COMPONENTS = ["components/keda-autoscaling", "components/cpu-autoscaling"] as const;
