// SPDX-License-Identifier: GPL-2.0-only
// linux_math_h: DIV_ROUND_UP() and friends live in <linux/math.h>.
// Changed in: v5.14, commit aa6159ab99a9 ("kernel.h: split out mathematical helpers")
// probe: header linux/math.h
// define: HAVE_LINUX_MATH_H
