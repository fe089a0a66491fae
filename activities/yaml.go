package activities

import "gopkg.in/yaml.v3"

func yamlToMap(data []byte, out *map[string]any) error { return yaml.Unmarshal(data, out) }
