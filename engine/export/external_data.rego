# METADATA
# title: Images are vouched for by an external data provider
# description: >-
#   Gatekeeper counterpart of a control that the offline engine judges from
#   --evidence: every image of the pod (containers, init and ephemeral
#   containers, in every workload kind) is sent to the external data
#   provider named by input.parameters.provider, which answers per image
#   with {"isSuccess": true} when it vouches for it (Ratify's response).
#   A provider error, an error for an image, or a missing answer denies.
package shipshape.external_data

import rego.v1

import data.lib.k8s
import data.lib.pods

images := {c.value.image | some c in pods.containers; is_string(c.value.image)}

response := external_data({"provider": input.parameters.provider, "keys": [i | some i in images]})

violation contains {"msg": msg} if {
	count(images) > 0
	response.system_error != ""
	msg := sprintf("%s: the %s provider %q failed (%s), so its images cannot be shown to pass %s", [k8s.label, input.parameters.check, input.parameters.provider, response.system_error, input.parameters.check])
}

violation contains {"msg": msg} if {
	some [image, err] in response.errors
	msg := sprintf("%s: image %q fails %s: %s (provider %q)", [k8s.label, image, input.parameters.check, err, input.parameters.provider])
}

violation contains {"msg": msg} if {
	some [image, value] in response.responses
	not object.get(value, "isSuccess", false) == true
	msg := sprintf("%s: image %q fails %s (provider %q)", [k8s.label, image, input.parameters.check, input.parameters.provider])
}

violation contains {"msg": msg} if {
	response.system_error == ""
	some image in images
	not answered(image)
	msg := sprintf("%s: provider %q gave no answer for image %q, so it cannot be shown to pass %s", [k8s.label, input.parameters.provider, image, input.parameters.check])
}

answered(image) if {
	some [key, _] in response.responses
	key == image
}

answered(image) if {
	some [key, _] in response.errors
	key == image
}
