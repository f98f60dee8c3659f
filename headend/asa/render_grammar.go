package asa

import (
	"github.com/asalab/asalab/headend/asa/config"
)

// RenderConfigSection prints `show running-config SECTION` for one of the
// grammar's sections (grammar.Sections).
func (d *Device) RenderConfigSection(c config.Config, section string) string {
	return config.SectionText(d.configBody(c, false, false), section)
}
