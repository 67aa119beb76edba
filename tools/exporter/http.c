// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * HTTP with libmicrohttpd on its own thread: GET /metrics is the
 * exposition, GET / a page that links to it, anything else 404 (or 405
 * for a method other than GET and HEAD).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "exporter.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
#define INDEX                                                                                      \
	"<html><head><title>ctkit-exporter</title></head><body><h1>ctkit-exporter</h1>"            \
	"<p><a href=\"/metrics\">Metrics</a></p></body></html>\n"

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, const char *type,
			     void *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **state)
{
	static const char not_found[] = "not found: try /metrics\n";
	static const char not_allowed[] = "only GET and HEAD\n";
	struct xp *x = cls;
	char *text;
	size_t len = 0;

	(void)version;
	(void)upload;
	(void)upload_size;
	(void)state;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", (void *)not_allowed,
			     strlen(not_allowed), MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/"))
		return reply(c, MHD_HTTP_OK, "text/html", (void *)INDEX, strlen(INDEX),
			     MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return reply(c, MHD_HTTP_NOT_FOUND, "text/plain", (void *)not_found,
			     strlen(not_found), MHD_RESPMEM_PERSISTENT);
	text = xp_metrics_render(x, &len);
	if (!text)
		return MHD_NO; /* out of memory: the connection is closed */
	return reply(c, MHD_HTTP_OK, CONTENT_TYPE, text, len, MHD_RESPMEM_MUST_FREE);
}

struct MHD_Daemon *xp_http_start(struct xp *x)
{
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;

	if (x->o.listen.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6 | MHD_USE_DUAL_STACK;
	d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, x, MHD_OPTION_SOCK_ADDR,
			     (struct sockaddr *)&x->o.listen, MHD_OPTION_CONNECTION_LIMIT,
			     (unsigned int)64, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
			     MHD_OPTION_END);
	if (!d)
		fprintf(stderr, "ctkit-exporter: cannot listen on %s\n", x->o.listen_text);
	return d;
}

void xp_http_stop(struct MHD_Daemon *d)
{
	if (d)
		MHD_stop_daemon(d);
}
