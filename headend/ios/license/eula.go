package license

// eula is the notice IOS prints before EULAPrompt, word for word (double
// spaces included) as a 1941 on 15.x prints it for `license boot module
// c1900 technology-package datak9` (see testdata/README.md).
var eula = []string{
	"",
	"PLEASE  READ THE  FOLLOWING TERMS  CAREFULLY. INSTALLING THE LICENSE OR",
	"LICENSE  KEY  PROVIDED FOR  ANY CISCO  PRODUCT  FEATURE  OR  USING SUCH",
	"PRODUCT  FEATURE  CONSTITUTES  YOUR  FULL ACCEPTANCE  OF  THE FOLLOWING",
	"TERMS. YOU MUST NOT PROCEED FURTHER IF YOU ARE NOT WILLING TO  BE BOUND",
	"BY ALL THE TERMS SET FORTH HEREIN.",
	"",
	"Use of this product feature requires  an additional license from Cisco,",
	"together with an additional  payment.  You may use this product feature",
	"on an evaluation basis, without payment to Cisco, for 60 days. Your use",
	"of the  product,  including  during the 60 day  evaluation  period,  is",
	"subject to the Cisco end user license agreement",
	"http://www.cisco.com/en/US/docs/general/warranty/English/EU1KEN_.html",
	"If you use the product feature beyond the 60 day evaluation period, you",
	"must submit the appropriate payment to Cisco for the license. After the",
	"60 day  evaluation  period,  your  use of the  product  feature will be",
	"governed  solely by the Cisco  end user license agreement (link above),",
	"together  with any supplements  relating to such product  feature.  The",
	"above  applies  even if the evaluation  license  is  not  automatically",
	"terminated  and you do  not receive any notice of the expiration of the",
	"evaluation  period.  It is your  responsibility  to  determine when the",
	"evaluation  period is complete and you are required to make  payment to",
	"Cisco for your use of the product feature beyond the evaluation period.",
	"",
	"Your  acceptance  of  this agreement  for the software  features on one",
	"product  shall be deemed  your  acceptance  with  respect  to all  such",
	"software  on all Cisco  products  you purchase  which includes the same",
	"software.  (The foregoing  notwithstanding, you must purchase a license",
	"for each software  feature you use past the 60 days evaluation  period,",
	"so  that  if you enable a software  feature on  1000  devices, you must",
	"purchase 1000 licenses for use past  the 60 day evaluation period.)",
	"",
	"Activation  of the  software command line interface will be evidence of",
	"your acceptance of this agreement.",
	"",
	"",
}

// EULA is the end user license agreement text printed before
// EULAPrompt, by `license accept end user agreement` and by `license boot
// module` for a package run on evaluation.
func EULA() []string { return append([]string(nil), eula...) }
