/*
 * newsdoc.h - libnewsdoc, a library that converts news articles between
 * plain text, Markdown, HTML, EPUB, DOCX and JSON, right-to-left first.
 *
 * Read it like a manual:
 *   newsdoc/common.h    versions, errors, ownership rules, the allocator
 *   newsdoc/convert.h   the simple interface: read, write, convert
 *   newsdoc/options.h   options, limits, warnings, cancellation
 *   newsdoc/document.h  the document model, nodes, iteration
 *   newsdoc/format.h    the format registry and writing your own format
 */
#ifndef NEWSDOC_H
#define NEWSDOC_H

#include "newsdoc/common.h"
#include "newsdoc/options.h"
#include "newsdoc/document.h"
#include "newsdoc/convert.h"
#include "newsdoc/format.h"

#endif
