package awscloud

// Props exposes the raw-item property converter to the external tests.
var Props = props
