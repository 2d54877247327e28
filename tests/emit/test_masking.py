"""Secret values never printed: objects and text (diffs of files that may not even parse)."""

from __future__ import annotations

from kro_gen.emit.masking import mask_objects, mask_text

RGD = """\
apiVersion: kro.run/v1alpha1
kind: ResourceGraphDefinition
metadata:
  name: app
spec:
  resources:
    - id: config
      template:
        apiVersion: v1
        kind: ConfigMap
        data:
          LEVEL: debug
    - id: creds
      template:
        apiVersion: v1
        kind: Secret
        metadata:
          name: creds
        stringData:
          PASSWORD: hunter2-secret
          "QUOTED": 'quoted-secret'
          HOST: ${schema.spec.host}
          CERT: |-
            -----BEGIN-----
            cert-secret-body

            -----END-----
        data:
          TOKEN: dG9rZW4tc2VjcmV0
        type: Opaque
    - id: after
      template:
        kind: ConfigMap
        data:
          AFTER: visible
"""


def test_text_masks_secret_values_inside_rgd_templates_and_keeps_the_rest() -> None:
    masked = mask_text(RGD)
    for secret in ("hunter2-secret", "quoted-secret", "cert-secret-body", "dG9rZW4tc2VjcmV0", "BEGIN"):
        assert secret not in masked
    assert "PASSWORD: <masked: 14 bytes>" in masked
    assert '"QUOTED": <masked: 13 bytes>' in masked
    assert "TOKEN: <masked: 16 bytes>" in masked
    assert "CERT: <masked: " in masked
    # expressions, other kinds, other fields and the lines around stay byte for byte
    for kept in (
        "HOST: ${schema.spec.host}",
        "LEVEL: debug",
        "AFTER: visible",
        "type: Opaque",
        "name: creds",
    ):
        assert kept in masked
    expected = (
        RGD.replace("hunter2-secret", "<masked: 14 bytes>")
        .replace("'quoted-secret'", "<masked: 13 bytes>")
        .replace("dG9rZW4tc2VjcmV0", "<masked: 16 bytes>")
        .replace(
            "|-\n            -----BEGIN-----\n            cert-secret-body\n\n            -----END-----",
            "<masked: 47 bytes>",
        )
    )
    assert masked == expected


def test_text_masks_a_hand_written_secret_document_with_kind_after_data() -> None:
    text = (
        "---\nstringData:\n  A: plain-a\napiVersion: v1\nkind: 'Secret'\n"
        "---\ndata:\n  B: keep-b\nkind: ConfigMap\n"
    )
    masked = mask_text(text)
    assert "plain-a" not in masked and "A: <masked: 7 bytes>" in masked
    assert "B: keep-b" in masked  # the next document is a ConfigMap


def test_text_that_does_not_parse_is_still_masked() -> None:
    text = "kind: Secret\nstringData:\n  A: [unclosed secret-a\n  B: {bad: secret-b\n"
    masked = mask_text(text)
    assert "secret-a" not in masked and "secret-b" not in masked


def test_inline_maps_and_labels() -> None:
    masked = mask_text("kind: Secret\ndata: {A: c2VjcmV0}\n", label=lambda value: f"<{len(value)}>")
    assert masked == "kind: Secret\ndata: <13>\n"
    assert mask_text("kind: Secret\ndata: ${schema.spec.values}\n").endswith("data: ${schema.spec.values}\n")


def test_objects_are_masked_at_any_depth_and_not_changed_in_place() -> None:
    secret = {"apiVersion": "v1", "kind": "Secret", "data": {"K": "c2VjcmV0"}, "type": "Opaque"}
    rgd = {"spec": {"resources": [{"id": "s", "template": secret}]}}
    masked = mask_objects(rgd)
    assert masked["spec"]["resources"][0]["template"]["data"] == {"K": "<masked: 8 bytes>"}
    assert secret["data"] == {"K": "c2VjcmV0"}
    other = {"apiVersion": "v1", "kind": "ConfigMap", "data": {"K": "v"}}
    assert mask_objects(other) == other
